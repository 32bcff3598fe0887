// Vite's `?raw` imports (a file's text as the default export), used for test fixtures that must load
// inside workerd too, where there is no file system to read them from.
declare module "*?raw" {
  const text: string;
  export default text;
}
