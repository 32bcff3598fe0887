/** The centred card of the signed-out pages (sign in, bootstrap, password change). */
export function AuthCard({ title, intro, children }: { title: string; intro?: string; children: React.ReactNode }) {
  return (
    <main className="centered">
      <div className="card stack">
        <p className="brand" aria-hidden="true"><img src="/favicon.svg" alt="" width="24" height="24" /> FluxGate</p>
        <h1>{title}</h1>
        {intro && <p className="muted">{intro}</p>}
        {children}
      </div>
    </main>
  );
}
