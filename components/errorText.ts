/** What a failed call says, for the person: an Error's message, or the value itself. */
export const errorText = (cause: unknown): string => (cause instanceof Error ? cause.message : String(cause));
