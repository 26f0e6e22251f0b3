import { integrationRoleCapabilities } from './capabilities';

/** Site settings the modelled functions consult, and the sandbox-only switches beside them. */
export interface SiteSettings {
  sitename: string;
  siteShortname: string;
  siteSummary: string;
  enablewebservices: boolean;
  restEnabled: boolean;
  allowaccountssameemail: boolean;
  debug: boolean;
  maxInputVars: number;
  /** Add a real Moodle 4.1's response time to batched writes (see timing-model.ts); off by default. */
  simulateMoodleTiming: boolean;
  /** Capabilities taken away from the web-service role (the captures toggle a few). */
  revokedCapabilities: string[];
  /** `moodlecourse | enablecompletion`: what a course created without it gets (0 on the first captured site, 1 on the second, capture 167). */
  defaultEnableCompletion: number;
  /** The web-service user's role (capabilities.ts); default the integration role the product documents. */
  wsRoleCapabilities: string[];
  /** `messaging` and `messagingallusers` site settings (defaults 1 and 0). */
  messaging: boolean;
  messagingallusers: boolean;
  /**
   * Host names Moodle's curl class refuses (`curlsecurityblockedhosts`). A real site blocks
   * 127.0.0.1, localhost and private ranges by default, so local_webhooks never reaches a
   * loopback listener (305); the sandbox starts with none blocked so tests can listen locally.
   */
  curlsecurityblockedhosts: string[];
}

export function defaultSettings(): SiteSettings {
  return {
    sitename: 'Campus Bridge Sandbox Moodle',
    siteShortname: 'sandbox',
    siteSummary: '',
    enablewebservices: true,
    restEnabled: true,
    allowaccountssameemail: false,
    debug: false,
    maxInputVars: 5000,
    simulateMoodleTiming: false,
    revokedCapabilities: [],
    defaultEnableCompletion: 0,
    wsRoleCapabilities: [...integrationRoleCapabilities],
    messaging: true,
    messagingallusers: false,
    curlsecurityblockedhosts: [],
  };
}
