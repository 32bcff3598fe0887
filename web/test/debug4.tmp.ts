import { launch, signIn } from "./support";
const browser = await launch();
const { page } = await signIn(browser, "http://127.0.0.1:18789", "teamadmin", { width: 375 });
for (const url of ["/flags", "/flags/00000000-0000-4000-8000-0000000000f2", "/approvals?view=all", "/audit"]) {
  await page.goto(url);
  const wide = await page.evaluate(() => {
    const out: string[] = [];
    for (const el of Array.from(document.querySelectorAll("body *"))) {
      const r = el.getBoundingClientRect();
      if (r.right > 376 && r.width > 0) out.push(`${el.tagName}.${el.className} ${Math.round(r.right)}`);
    }
    return [document.documentElement.scrollWidth, ...out.slice(0, 8)];
  });
  console.log(url, JSON.stringify(wide));
}
await browser.close();
