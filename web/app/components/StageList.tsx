// A pipeline's stages in order: drag a stage by its handle (pointer, or keyboard: Space to lift,
// arrows to move, Space to drop; dnd-kit announces each step) or use Move up / Move down. Adding
// offers the team's environments not yet in the list.
import { closestCenter, DndContext, KeyboardSensor, PointerSensor, useSensor, useSensors, type DragEndEvent } from "@dnd-kit/core";
import { SortableContext, sortableKeyboardCoordinates, useSortable, verticalListSortingStrategy } from "@dnd-kit/sortable";
import { CSS } from "@dnd-kit/utilities";
import { useId, useRef, useState } from "react";
import { FieldProblem, useField } from "~/components/Field";
import { moveItem } from "~/lib/rules";

export interface StageEnv { id: string; key: string; name: string; type: string }

interface Props {
  environments: StageEnv[];
  stages: string[];
  onChange: (ids: string[]) => void;
}

/** Inside a checked form (components/CheckedForm.tsx): its problem is the form's "environmentIds". */
export function StageList({ environments, stages, onChange }: Props) {
  const field = useField("environmentIds");
  const byId = new Map(environments.map((e) => [e.id, e]));
  const [announcement, setAnnouncement] = useState("");
  const [adding, setAdding] = useState("");
  const id = useId();
  // dnd-kit keeps the first announcements object it is given: read the current list through a ref.
  const current = useRef(stages);
  current.current = stages;
  const name = (envId: string | number) => byId.get(String(envId))?.name ?? "stage";
  const position = (envId: string | number) => current.current.indexOf(String(envId)) + 1;
  const sensors = useSensors(useSensor(PointerSensor), useSensor(KeyboardSensor, { coordinateGetter: sortableKeyboardCoordinates }));
  const move = (from: number, to: number) => {
    if (to < 0 || to >= stages.length) return;
    onChange(moveItem(stages, from, to));
    setAnnouncement(`${name(stages[from]!)} moved to position ${to + 1} of ${stages.length}.`);
  };
  const onDragEnd = ({ active, over }: DragEndEvent) => {
    if (!over || active.id === over.id) return;
    move(stages.indexOf(String(active.id)), stages.indexOf(String(over.id)));
  };
  const available = environments.filter((e) => !stages.includes(e.id));
  return (
    <fieldset className="stack stage-list" data-field="environmentIds" aria-describedby={field.control["aria-describedby"]} data-invalid={field.problem ? "true" : undefined}>
      <legend>Stages, in rollout order</legend>
      <p className="sr-only" aria-live="polite">{announcement}</p>
      {stages.length === 0 && <p className="empty">No stages yet: add the environments a feature moves through.</p>}
      <DndContext id={`stages-${id}`} sensors={sensors} collisionDetection={closestCenter} onDragEnd={onDragEnd}
        accessibility={{ announcements: {
          onDragStart: ({ active }) => `Picked up ${name(active.id)}, stage ${position(active.id)} of ${current.current.length}.`,
          onDragOver: ({ active, over }) => (over ? `${name(active.id)} is over position ${position(over.id)}.` : ""),
          onDragEnd: ({ active, over }) => (over ? `${name(active.id)} dropped at position ${position(over.id)}.` : "Dropped."),
          onDragCancel: () => "Reordering cancelled.",
        } }}>
        <SortableContext items={stages} strategy={verticalListSortingStrategy}>
          <ol className="stack" style={{ listStyle: "none", padding: 0, margin: 0 }} aria-label="Stages">
            {stages.map((envId, index) => (
              <SortableStage key={envId} env={byId.get(envId) ?? { id: envId, key: envId, name: "(deleted environment)", type: "" }}
                index={index} count={stages.length} onMove={(to) => move(index, to)}
                onRemove={() => { onChange(stages.filter((s) => s !== envId)); setAnnouncement(`${name(envId)} removed.`); }} />
            ))}
          </ol>
        </SortableContext>
      </DndContext>
      {available.length > 0 && (
        <div className="row">
          <label htmlFor={`${id}-add`}>Add stage</label>
          <select id={`${id}-add`} value={adding} onChange={(e) => setAdding(e.target.value)}>
            <option value="">Choose an environment…</option>
            {available.map((e) => <option key={e.id} value={e.id}>{e.name} ({e.key})</option>)}
          </select>
          <button type="button" disabled={!adding} onClick={() => { onChange([...stages, adding]); setAnnouncement(`${name(adding)} added as stage ${stages.length + 1}.`); setAdding(""); }}>Add</button>
        </div>
      )}
      <FieldProblem id={field.id} problem={field.problem} />
    </fieldset>
  );
}

function SortableStage({ env, index, count, onMove, onRemove }: { env: StageEnv; index: number; count: number; onMove: (to: number) => void; onRemove: () => void }) {
  const { attributes, listeners, setNodeRef, setActivatorNodeRef, transform, transition, isDragging } = useSortable({ id: env.id });
  return (
    <li ref={setNodeRef} className="stage-item row" data-stage={env.key}
      style={{ transform: CSS.Transform.toString(transform), transition, opacity: isDragging ? 0.7 : 1, position: "relative", zIndex: isDragging ? 2 : undefined }}>
      <button type="button" ref={setActivatorNodeRef} className="drag-handle" {...attributes} {...listeners}
        aria-label={`Reorder ${env.name} (stage ${index + 1} of ${count}): press Space, then arrow keys`}>⠿</button>
      <span className="badge">{index + 1}</span>
      <strong>{env.name}</strong> <span className="mono small muted">{env.key}</span>
      {env.type && <span className={`badge env-${env.type}`}>{env.type}</span>}
      <span className="spacer" />
      <button type="button" onClick={() => onMove(index - 1)} disabled={index === 0} aria-label={`Move ${env.name} up`}>↑</button>
      <button type="button" onClick={() => onMove(index + 1)} disabled={index === count - 1} aria-label={`Move ${env.name} down`}>↓</button>
      <button type="button" onClick={onRemove} aria-label={`Remove stage ${env.name}`}>Remove</button>
    </li>
  );
}
