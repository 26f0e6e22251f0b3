import type { Mapping } from '../config/mapping-file';

/** Fee-gated onboarding (`onboarding.requirePaidFee`), as workflow input. */
export interface RegistrationFeePolicy {
  requirePaidFee: boolean;
  /** Only invoices with a row for this Item count as the registration fee. */
  feeItem?: string;
  /** Re-read interval while waiting, in ms. */
  checkIntervalMs: number;
}

export function registrationFeePolicy(mapping: Pick<Mapping, 'onboarding'>): RegistrationFeePolicy {
  return { requirePaidFee: mapping.onboarding.requirePaidFee, feeItem: mapping.onboarding.feeItem, checkIntervalMs: mapping.onboarding.feeCheckInterval };
}
