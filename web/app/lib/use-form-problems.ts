// Validation before submit: the form's own check (the same one its action runs again on the server)
// stops the submission and shows each problem by its field; the first invalid field gets the focus.
import { useState, type FormEvent } from "react";
import type { Problems } from "./config-models";

export function useFormProblems(check: (form: FormData) => Problems) {
  const [problems, setProblems] = useState<Problems>({});
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    const found = check(new FormData(event.currentTarget));
    setProblems(found);
    const first = Object.keys(found)[0];
    if (first) {
      event.preventDefault();
      const field = event.currentTarget.querySelector<HTMLElement>(`[data-field="${first}"]`);
      field?.focus();
    }
  };
  return { problems, onSubmit, reset: () => setProblems({}) };
}
