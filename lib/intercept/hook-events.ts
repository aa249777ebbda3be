// The DOM events between the MAIN-world hook and the isolated world, both registered before any
// page script. Their details are JSON, read on both sides by lib/intercept/read-messages.ts.

/** Fired at a form by the MAIN-world hook when page script calls form.submit(). */
export const FORM_SUBMIT_EVENT = 'countersign:form-submit';
/** Fired at the window before a state-changing request leaves, soon after an input or from evaluated code. */
export const REQUEST_EVENT = 'countersign:request';
/** Fired at the window when an agent calls one of the page's WebMCP tools, before its code runs. */
export const TOOL_EVENT = 'countersign:tool-call';
/** The isolated world's answer to a held request or tool call. */
export const REQUEST_DECISION_EVENT = 'countersign:request-decision';
