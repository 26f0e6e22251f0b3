import type { Mapping } from '../config/mapping-file';
import { registrationFeePolicy, type RegistrationFeePolicy } from './registration-fee';

/**
 * The parts of the mapping file the lifecycle workflows decide with. They arrive as workflow
 * input (workflows read no config), so a run keeps the policy it started with.
 */
export interface LifecyclePolicy {
  /** Moodle role given by enrolments. */
  studentRoleId: number;
  withdrawal: 'suspend' | 'unenrol';
  /** How long a parked identity conflict waits for an operator, in milliseconds. */
  conflictTimeoutMs: number;
  /** Only with `onboarding.requirePaidFee` on: onboarding waits for the registration fee (workflows/fee-gate.ts). */
  registrationFee?: RegistrationFeePolicy;
}

/** The mapping file has already checked every value (durations arrive in milliseconds). */
export function lifecyclePolicy(mapping: Pick<Mapping, 'moodle' | 'withdrawal' | 'conflictTimeout' | 'onboarding'>): LifecyclePolicy {
  return {
    studentRoleId: mapping.moodle.studentRoleId,
    withdrawal: mapping.withdrawal,
    conflictTimeoutMs: mapping.conflictTimeout,
    ...(mapping.onboarding.requirePaidFee ? { registrationFee: registrationFeePolicy(mapping) } : {}),
  };
}
