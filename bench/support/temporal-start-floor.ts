import type { Client } from '@temporalio/client';
import type { LifecyclePolicy } from '../../src/mapping/lifecycle-policy';
import { startLifecycleWorkflow } from '../../src/starters/lifecycle-events';
import { percentile } from './percentile';

/*
 * What Temporal alone can take: the same start the gateway makes for a new Student (the
 * onboarding run, its id, search attributes and encrypted input, through the same starter),
 * called directly by this many concurrent callers with no HTTP and no gateway in between. A
 * gateway cannot acknowledge new events faster than this, since each 202 waits for its start.
 */

export interface StartFloorFigures {
  startsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  starts: number;
  failed: number;
  /** CPU this process spent per start (the SDK client and gRPC alone), to set beside the gateway's per new webhook. */
  clientCpuMsPerStart: number;
}

export async function measureStartFloor(options: { temporal: Client; policy: LifecyclePolicy; callers: number; seconds: number; studentFor(i: number): string }): Promise<StartFloorFigures> {
  const latencies: number[] = [];
  let failed = 0;
  let next = 0;
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const until = started + options.seconds * 1000;
  await Promise.all(
    Array.from({ length: options.callers }, async () => {
      while (performance.now() < until) {
        const student = options.studentFor(next++);
        const began = performance.now();
        try {
          await startLifecycleWorkflow(options.temporal, { kind: 'student-created', student }, options.policy);
          latencies.push(performance.now() - began);
        } catch {
          failed++;
        }
      }
    }),
  );
  const wallSeconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const sorted = latencies.sort((a, b) => a - b);
  return {
    startsPerSecond: Math.round(latencies.length / wallSeconds),
    p50Ms: Math.round(percentile(sorted, 50) * 10) / 10,
    p99Ms: Math.round(percentile(sorted, 99) * 10) / 10,
    starts: latencies.length,
    failed,
    clientCpuMsPerStart: Math.round(((cpu.user + cpu.system) / 1000 / Math.max(latencies.length, 1)) * 100) / 100,
  };
}
