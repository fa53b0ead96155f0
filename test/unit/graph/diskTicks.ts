// For tests on the disk whose clock counts every file as settled (see nodeSourceTree).

/**
 * Waits until the file system's clock has moved on from the build just made. A real change to a
 * file counted as settled comes at least the settling time after it; one in the same tick could
 * leave its size and times as they were (why a recent file is never trusted).
 */
export async function nextTick(): Promise<void> {
  const from = Date.now();
  while (Date.now() - from < 20) await new Promise(resolve => setTimeout(resolve, 5));
}
