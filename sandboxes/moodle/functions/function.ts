import { MoodleException } from '../exceptions';
import type { Description, Validated } from '../parameters';
import type { MoodleEvent } from '../events';
import type { MoodleState, UserRecord } from '../state';

export interface FunctionContext {
  state: MoodleState;
  /** The token's user (`$USER`). */
  caller: UserRecord;
  /** Site root as the client reached it, for URLs in responses. */
  siteUrl: string;
  hasCapability(capability: string): boolean;
  /** Raised events; the webhook senders deliver them as their plugin does (webhooks.ts). */
  emit(event: MoodleEvent): void;
}

export interface WsFunction {
  name: string;
  /** Component version, as site info lists it. */
  version: string;
  parameters: Record<string, Description>;
  execute(args: { [key: string]: Validated }, context: FunctionContext): unknown;
}

/** require_capability: `label` is the capability's human name in Moodle's language pack. */
export function requireCapability(context: FunctionContext, capability: string, label: string) {
  if (!context.hasCapability(capability)) {
    throw new MoodleException('required_capability_exception', 'nopermissions', `Sorry, but you do not currently have permissions to do that (${label}).`, capability);
  }
}
