// Ctrl/Cmd-K: jump to any screen or flag of the current team. Loaded on first use (cmdk stays out
// of the first page's JavaScript).
import { useFetcher, useNavigate } from "@remix-run/react";
import { Command } from "cmdk";
import { useEffect, useRef } from "react";
import type { loader as paletteLoader } from "~/routes/palette";
import { SETTINGS_GROUPS } from "~/lib/settings-sections";

const SCREENS = [
  { to: "/flags", label: "Flags" },
  { to: "/flags/new", label: "New flag" },
  { to: "/approvals", label: "Approvals" },
  { to: "/kill-switches", label: "Kill switch monitor" },
  { to: "/audit", label: "Audit log" },
  { to: "/password", label: "Change password" },
];

const SETTINGS_SCREENS = [
  { to: "/settings", label: "Settings" },
  ...SETTINGS_GROUPS.flatMap((group) => group.sections.map((section) => ({ to: section.path, label: `Settings: ${section.label}` }))),
];

export default function CommandPalette({ onClose }: { onClose: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const navigate = useNavigate();
  const flags = useFetcher<typeof paletteLoader>();
  useEffect(() => {
    dialog.current?.showModal();
    if (flags.state === "idle" && !flags.data) flags.load("/palette");
  }, []); // eslint-disable-line react-hooks/exhaustive-deps
  const go = (to: string) => {
    onClose();
    navigate(to);
  };
  return (
    <dialog ref={dialog} className="palette" aria-label="Command palette" onClose={onClose}>
      <Command label="Command palette">
        <Command.Input placeholder="Jump to a flag or screen…" aria-label="Search flags and screens" autoFocus />
        <Command.List>
          <Command.Empty>No match.</Command.Empty>
          <Command.Group heading="Screens">
            {[...SCREENS, ...SETTINGS_SCREENS].map((s) => <Command.Item key={s.to} value={`screen ${s.label}`} onSelect={() => go(s.to)}>{s.label}</Command.Item>)}
          </Command.Group>
          <Command.Group heading="Flags">
            {flags.state === "loading" && <Command.Loading>Loading flags…</Command.Loading>}
            {flags.data?.flags.map((f) => (
              <Command.Item key={f.id} value={`flag ${f.key} ${f.name}`} onSelect={() => go(`/flags/${f.id}`)}>
                <span className="mono">{f.key}</span>{f.name !== f.key && <span className="muted small"> · {f.name}</span>}
              </Command.Item>
            ))}
          </Command.Group>
        </Command.List>
      </Command>
    </dialog>
  );
}
