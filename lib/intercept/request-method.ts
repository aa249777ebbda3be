import { effectiveMethod } from '@/lib/actions/content';
import type { RequestDetail } from '@/lib/messaging/frames';

/** The method a request asks the server for: its own, or the override it carries. */
export function requestMethod(request: RequestDetail): string {
  return effectiveMethod({ method: request.method, fields: request.body.fields, override: request.override });
}
