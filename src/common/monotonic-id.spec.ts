import { monotonicId } from './monotonic-id';

describe('monotonicId', () => {
  it('is a UUIDv7 that sorts in creation order, within one millisecond too', () => {
    const ids = Array.from({ length: 5000 }, () => monotonicId(1_700_000_000_000));
    for (const id of ids)
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    const later = monotonicId(1_700_000_000_000 + 10_000);
    expect(later > ids[ids.length - 1]).toBe(true);
    expect(parseInt(later.replace(/-/g, '').slice(0, 12), 16)).toBe(1_700_000_010_000);
  });

  it('never goes back when the clock does', () => {
    const before = monotonicId(2_000_000_000_000);
    expect(monotonicId(1_000_000_000_000) > before).toBe(true);
  });
});
