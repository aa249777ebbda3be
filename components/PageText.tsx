/**
 * Text that came from a page. Always a text node, isolated for bidi so a right-to-left
 * override in a page's title cannot reorder the panel's own words around it.
 */
export function PageText({ text, fallback = '' }: { text: string | undefined; fallback?: string }) {
  return <bdi className="page-text">{text || fallback}</bdi>;
}
