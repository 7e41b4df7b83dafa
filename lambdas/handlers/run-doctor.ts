// Placeholder entry point so the stack can bundle while the pipeline is written; replaced in this change.
export const handler = async (): Promise<void> => {
  throw new Error('not wired yet');
};
