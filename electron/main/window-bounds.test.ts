import { describe, expect, it } from 'vitest';
import { DEFAULT_BOUNDS, restoreBounds } from './window-bounds.js';

const laptop = { x: 0, y: 0, width: 1440, height: 900 };
const external = { x: 1440, y: 0, width: 2560, height: 1440 };

describe('restoreBounds', () => {
  it('uses the default size the first time', () => {
    expect(restoreBounds(null, [laptop])).toEqual(DEFAULT_BOUNDS);
  });

  it('restores saved bounds on a connected display', () => {
    expect(
      restoreBounds({ x: 1600, y: 100, width: 1200, height: 800, maximized: true }, [laptop, external]),
    ).toEqual({
      x: 1600,
      y: 100,
      width: 1200,
      height: 800,
      maximized: true,
    });
  });

  it('drops the position when the display it was on is gone, keeping a size that fits', () => {
    expect(restoreBounds({ x: 1600, y: 100, width: 2000, height: 1200 }, [laptop])).toEqual({
      width: 1440,
      height: 900,
      maximized: false,
    });
  });

  it('drops a position whose title bar is almost entirely off-screen', () => {
    expect(restoreBounds({ x: -1150, y: 10, width: 1200, height: 700 }, [laptop])).not.toHaveProperty('x');
    expect(restoreBounds({ x: 100, y: -30, width: 1200, height: 700 }, [laptop])).not.toHaveProperty('x');
  });

  it('never goes below the minimum size', () => {
    expect(restoreBounds({ width: 10, height: 10 }, [laptop])).toMatchObject({ width: 480, height: 400 });
  });
});
