/** In-app QR scanning needs the BarcodeDetector API and a camera (Chrome on Android, Safari 17+ with a flag…). */
export function canScan(): boolean {
  return typeof window !== 'undefined' && 'BarcodeDetector' in window && !!navigator.mediaDevices?.getUserMedia;
}
