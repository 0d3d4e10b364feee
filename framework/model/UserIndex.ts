/**
 * Dense indices of the users seen in training, for models with a user-ID
 * embedding (LSTUR). Index 0 is reserved for users the index has not seen,
 * such as new users in the dev split, so their embedding row is shared.
 */
export class UserIndex {
  static readonly UNKNOWN = 0;
  private readonly indexById = new Map<string, number>();

  /** Gives each distinct user id an index from 1 in order of first appearance. */
  constructor(userIds: Iterable<string> = []) {
    for (const id of userIds) {
      this.add(id);
    }
  }

  /** Reads the user ids of a split's impressions, streaming. */
  static async fromImpressions(impressions: AsyncIterable<{ readonly userId: string }>): Promise<UserIndex> {
    const index = new UserIndex();
    for await (const impression of impressions) {
      index.add(impression.userId);
    }
    return index;
  }

  /** Number of indices, the reserved unknown index included. */
  get size(): number {
    return this.indexById.size + 1;
  }

  /** Returns the user ids in index order, from index 1. A new index built from them gives each user the same index. */
  ids(): string[] {
    return [...this.indexById.keys()];
  }

  indexOf(userId: string): number {
    return this.indexById.get(userId) ?? UserIndex.UNKNOWN;
  }

  private add(id: string): void {
    if (!this.indexById.has(id)) {
      this.indexById.set(id, this.indexById.size + 1);
    }
  }
}
