export default function globalTeardown(): void {
  (globalThis as { stopRegistry?: () => void }).stopRegistry?.();
}
