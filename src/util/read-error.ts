/**
 * Says in a few words why reading a file failed (`no such file`, `permission denied`,
 * `is a folder, not a file`, else the errno code), for config and secret-file errors.
 * `otherwise` is used when the error has no code. Never includes file contents.
 */
export function readErrorReason(err: unknown, otherwise: string): string {
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'ENOENT'
    ? 'no such file'
    : code === 'EACCES'
      ? 'permission denied'
      : code === 'EISDIR'
        ? 'is a folder, not a file'
        : (code ?? otherwise);
}
