/**
 * Who is connected, counted per user across devices. `connect` answers true for a user's
 * first device and `disconnect` true for the last one: that is when user:online and
 * user:offline go out. The in-memory version is right for one node; with several nodes the
 * count has to live in a shared store (Redis), behind this same interface.
 */
export interface Presence {
  connect(userId: string): Promise<boolean>;
  disconnect(userId: string): Promise<boolean>;
  isOnline(userId: string): Promise<boolean>;
  /** Which of these users are online. */
  onlineOf(userIds: readonly string[]): Promise<Set<string>>;
  /** Distinct users with at least one device connected. */
  onlineUserCount(): Promise<number>;
}

export class MemoryPresence implements Presence {
  private readonly devices = new Map<string, number>();

  connect(userId: string): Promise<boolean> {
    const n = (this.devices.get(userId) ?? 0) + 1;
    this.devices.set(userId, n);
    return Promise.resolve(n === 1);
  }

  disconnect(userId: string): Promise<boolean> {
    const n = (this.devices.get(userId) ?? 0) - 1;
    if (n > 0) {
      this.devices.set(userId, n);
      return Promise.resolve(false);
    }
    this.devices.delete(userId);
    return Promise.resolve(true);
  }

  isOnline(userId: string): Promise<boolean> {
    return Promise.resolve(this.devices.has(userId));
  }

  onlineOf(userIds: readonly string[]): Promise<Set<string>> {
    return Promise.resolve(new Set(userIds.filter((id) => this.devices.has(id))));
  }

  onlineUserCount(): Promise<number> {
    return Promise.resolve(this.devices.size);
  }
}
