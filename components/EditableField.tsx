import { useId } from 'react';
import type { FieldSnapshot } from '@/lib/actions/types';
import { t } from './i18n';
import { PageText } from './PageText';

export function EditableField(props: {
  field: FieldSnapshot;
  value: string;
  locked: boolean;
  /** Absent where the page cannot be asked (a team card): a masked value stays masked. */
  onReveal?: () => void;
  onChange: (value: string) => void;
}) {
  const id = useId();
  const { field, value, locked } = props;
  const multiline = field.type === 'textarea' || field.type === 'contenteditable' || value.includes('\n');
  return (
    <div className="field">
      <label htmlFor={id}>
        <PageText text={field.label || field.name} />
      </label>
      {locked ? (
        <span>
          <span id={id}>{value}</span>{' '}
          {props.onReveal && (
            <button type="button" onClick={props.onReveal}>
              {t('card.reveal', { field: field.label || field.name })}
            </button>
          )}
        </span>
      ) : multiline ? (
        <textarea id={id} value={value} rows={4} onChange={(e) => props.onChange(e.target.value)} />
      ) : (
        <input id={id} value={value} onChange={(e) => props.onChange(e.target.value)} />
      )}
    </div>
  );
}
