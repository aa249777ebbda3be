import { Fragment, type ReactNode } from 'react';
import { i18n, type GeneratedI18nStructure } from '#i18n';
import type { ActionKind } from '@/lib/actions/types';

type Messages = GeneratedI18nStructure;
type NamedKey = { [K in keyof Messages]: Messages[K] extends { plural: false; namedSubstitutions: readonly string[] } ? K : never }[keyof Messages];
type NamesOf<K extends NamedKey> = Messages[K] extends { namedSubstitutions: readonly (infer N extends string)[] } ? N : never;
type PlainKey = {
  [K in keyof Messages]: Messages[K] extends { plural: false; substitutions: 0 } ? (Messages[K] extends { namedSubstitutions: readonly string[] } ? never : K) : never;
}[keyof Messages];
type Camel<S extends string> = S extends `${infer Head}-${infer Tail}` ? `${Head}${Capitalize<Camel<Tail>>}` : S;

/** The panel's words, in the browser's language (locales/*.yml). */
export const t = i18n.t;

/**
 * A message whose {names} are filled with React nodes, so text from a page keeps its own
 * element (bidi-isolated, never markup) inside a translated sentence.
 */
export function Message<K extends NamedKey>({ id, parts }: { id: K; parts: Record<NamesOf<K>, ReactNode> }) {
  const template = (i18n.t as (key: string) => string)(id);
  const pieces = template.split(/\{(\w+)\}/);
  return pieces.map((piece, index) =>
    index % 2 ? <Fragment key={index}>{parts[piece as NamesOf<K>] ?? `{${piece}}`}</Fragment> : piece,
  );
}

/**
 * The word for a value of one of our lists (a signal, risk, outcome…). Message names cannot
 * have hyphens, so `ask-risky` is `level.askRisky`; the type checks every value has its message.
 */
export function nameOf<G extends string, N extends string>(group: G, name: N & (`${G}.${Camel<N>}` extends PlainKey ? unknown : never)): string {
  return (i18n.t as (key: string) => string)(`${group}.${name.replace(/-(\w)/g, (_, letter: string) => letter.toUpperCase())}`);
}

export const kindName = (kind: ActionKind) => t(`kind.name.${kind}`);
export const kindObject = (kind: ActionKind) => t(`kind.object.${kind}`);
export const kindPlural = (kind: ActionKind) => t(`kind.plural.${kind}`);
