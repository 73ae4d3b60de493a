/**
 * What the desktop app's update banner shows, pushed by the main process. Only `downloaded` shows
 * the banner ("Restart to update to X.Y.Z", with the release notes); `waiting` says the restart
 * waits for a write or an import to finish.
 */
export type UpdateState =
  | { kind: 'idle' }
  | { kind: 'checking' }
  | { kind: 'downloading'; version: string }
  | { kind: 'downloaded'; version: string; releaseNotes: string | null }
  | { kind: 'waiting'; version: string }
  | { kind: 'restarting'; version: string }
  | { kind: 'declined'; version: string }
  | { kind: 'error'; message: string };
