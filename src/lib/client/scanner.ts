/**
 * The door's camera: reads QR codes from a video stream with the browser's BarcodeDetector,
 * or, where the browser has none (Firefox, Safari, desktop Chromium on Linux), the
 * `barcode-detector` ponyfill over zxing-wasm. The WebAssembly is served from this app's own
 * build (and precached by the service worker), never from a CDN: the door works offline.
 */
import wasmUrl from 'zxing-wasm/reader/zxing_reader.wasm?url';

/** The camera keeps seeing the same code while it is held up: read it once per this span. */
const REPEAT_AFTER_MS = 4000;
/** How often a frame is read: fast enough to feel instant, slow enough for a cheap phone. */
const FRAME_INTERVAL_MS = 150;

interface Detector {
	detect(source: HTMLVideoElement): Promise<{ rawValue: string }[]>;
}

interface DetectorConstructor {
	new (options?: { formats?: string[] }): Detector;
	getSupportedFormats(): Promise<readonly string[]>;
}

/** Why the camera could not start: refused by the person, or there is none. */
export type CameraProblem = 'denied' | 'unavailable';

export class CameraError extends Error {
	constructor(readonly problem: CameraProblem) {
		super(`camera ${problem}`);
		this.name = 'CameraError';
	}
}

/** Lets a code through once, then again only after it left the camera for `quietMs`. */
export class RepeatFilter {
	#last: string | null = null;
	#lastSeenAt = 0;

	constructor(private readonly quietMs = REPEAT_AFTER_MS) {}

	accept(text: string, now: number): boolean {
		const repeated = text === this.#last && now - this.#lastSeenAt < this.quietMs;
		this.#last = text;
		this.#lastSeenAt = now;
		return !repeated;
	}
}

async function qrDetector(): Promise<Detector> {
	const native = (globalThis as { BarcodeDetector?: DetectorConstructor }).BarcodeDetector;
	if (native) {
		const formats = await native.getSupportedFormats().catch((): readonly string[] => []);
		if (formats.includes('qr_code')) return new native({ formats: ['qr_code'] });
	}
	// Loaded only when needed: the reader is large, and most doors have a native detector.
	const { BarcodeDetector, prepareZXingModule } = await import('barcode-detector/ponyfill');
	prepareZXingModule({
		overrides: {
			locateFile: (path: string, prefix: string) =>
				path.endsWith('.wasm') ? wasmUrl : prefix + path
		}
	});
	return new BarcodeDetector({ formats: ['qr_code'] });
}

async function openCamera(): Promise<MediaStream> {
	if (!navigator.mediaDevices?.getUserMedia) throw new CameraError('unavailable');
	try {
		return await navigator.mediaDevices.getUserMedia({
			video: { facingMode: 'environment' },
			audio: false
		});
	} catch (error) {
		const name = error instanceof DOMException ? error.name : '';
		throw new CameraError(
			name === 'NotAllowedError' || name === 'SecurityError' ? 'denied' : 'unavailable'
		);
	}
}

/**
 * Show the camera in `video` and call `onCode` with each QR code read (a code held in front
 * of it is reported once, see RepeatFilter). Returns the function that stops the camera.
 */
export async function startScanning(
	video: HTMLVideoElement,
	onCode: (text: string) => void
): Promise<() => void> {
	const [stream, detector] = await Promise.all([
		openCamera(),
		qrDetector().catch(() => {
			throw new CameraError('unavailable');
		})
	]).catch((error: unknown) => {
		throw error instanceof CameraError ? error : new CameraError('unavailable');
	});
	video.srcObject = stream;
	video.setAttribute('playsinline', '');
	video.muted = true;
	await video.play().catch(() => {});

	const repeats = new RepeatFilter();
	let stopped = false;
	let timer: ReturnType<typeof setTimeout> | undefined;

	const readFrame = async () => {
		if (stopped) return;
		if (video.readyState >= HTMLMediaElement.HAVE_CURRENT_DATA) {
			const codes = await detector.detect(video).catch(() => []);
			const text = codes[0]?.rawValue;
			if (!stopped && text && repeats.accept(text, Date.now())) onCode(text);
		}
		if (!stopped) timer = setTimeout(() => void readFrame(), FRAME_INTERVAL_MS);
	};
	void readFrame();

	return () => {
		stopped = true;
		clearTimeout(timer);
		for (const track of stream.getTracks()) track.stop();
		video.srcObject = null;
	};
}
