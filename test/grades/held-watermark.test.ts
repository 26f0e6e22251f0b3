import { heldWatermark } from '../../workflows/course-sync/held-watermark';

describe('heldWatermark', () => {
  const read = { since: 100, watermark: 500 };

  it('moves to the newest change when nothing was skipped', () => {
    expect(heldWatermark(read, [])).toBe(500);
  });

  it('stops at the earliest skipped row, so the next read (at or after it) takes that row again', () => {
    expect(heldWatermark(read, [400, 250, 450])).toBe(250);
  });

  it('is not held by an undated row (read every time anyway), and holds where the read began when a time is unknown', () => {
    expect(heldWatermark(read, [null, 300])).toBe(300);
    expect(heldWatermark(read, [null])).toBe(500);
    expect(heldWatermark(read, [300, undefined])).toBe(100);
  });
});
