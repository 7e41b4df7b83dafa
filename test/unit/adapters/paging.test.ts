import { chunk, collectPages, unique } from '../../../lambdas/adapters/paging';

describe('collectPages', () => {
  it('passes each continuation token to the next call and stops at the last page', async () => {
    // Arrange
    const tokens: (string | undefined)[] = [];
    const pages = new Map<string | undefined, { items: number[]; next: string | undefined }>([
      [undefined, { items: [1, 2], next: 'b' }],
      ['b', { items: [], next: 'c' }],
      ['c', { items: [3], next: undefined }],
    ]);

    // Act
    const items = await collectPages(async (token: string | undefined) => {
      tokens.push(token);
      return pages.get(token) ?? { items: [], next: undefined };
    });

    // Assert
    expect(items).toEqual([1, 2, 3]);
    expect(tokens).toEqual([undefined, 'b', 'c']);
  });

  it('treats an empty token as the end', async () => {
    // Arrange
    const fetchPage = jest.fn(async () => ({ items: ['only'], next: '' }));

    // Act / Assert
    await expect(collectPages(fetchPage)).resolves.toEqual(['only']);
    expect(fetchPage).toHaveBeenCalledTimes(1);
  });

  it('fails instead of looping when a token repeats', async () => {
    // Arrange
    const fetchPage = jest.fn(async () => ({ items: [1], next: { sourceServerId: 's-00000000000000001' } }));

    // Act / Assert
    await expect(collectPages(fetchPage)).rejects.toThrow('Pagination did not advance');
    expect(fetchPage).toHaveBeenCalledTimes(2);
  });
});

describe('chunk', () => {
  it('splits into batches of at most the given size', () => {
    expect(chunk([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(chunk([], 50)).toEqual([]);
  });

  it('rejects a size that would loop forever or make no batches', () => {
    expect(() => chunk([1], 0)).toThrow(RangeError);
  });
});

describe('unique', () => {
  it('keeps the first occurrence of each value, in order', () => {
    expect(unique(['b', 'a', 'b', 'c', 'a'])).toEqual(['b', 'a', 'c']);
  });
});
