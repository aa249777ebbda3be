import { useEffect, useState } from 'react';

/** A number typed in and saved on Enter or leaving the field; the background checks its range. */
export function NumberSetting(props: { label: string; value: number; onSave: (value: number) => Promise<void> }) {
  const [draft, setDraft] = useState(String(props.value));
  useEffect(() => setDraft(String(props.value)), [props.value]);
  return (
    <label>
      {props.label}{' '}
      <input
        inputMode="decimal"
        value={draft}
        size={8}
        onChange={(e) => setDraft(e.target.value)}
        onBlur={() => void props.onSave(Number(draft))}
        onKeyDown={(e) => e.key === 'Enter' && void props.onSave(Number(draft))}
      />
    </label>
  );
}
