// Time left until `until`, ticking every second (rendered on the server too, then live).
import { useEffect, useState } from "react";

export function formatRemaining(ms: number): string {
  if (ms <= 0) return "due now";
  const total = Math.ceil(ms / 1000);
  const minutes = Math.floor(total / 60);
  const seconds = total % 60;
  return `${minutes}:${String(seconds).padStart(2, "0")}`;
}

export function Countdown({ until }: { until: string }) {
  const target = Date.parse(until);
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  return <time className="countdown" dateTime={until} aria-label={`re-enables in ${formatRemaining(target - now)}`}>{formatRemaining(target - now)}</time>;
}
