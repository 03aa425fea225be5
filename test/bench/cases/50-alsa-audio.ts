/**
 * The ALSA backend's cost and delay, paced as a real card would pace it: the capture side reads a FIFO the bench
 * fills every 10 ms (ALSA's file plugin), the frame loop plays back what it captured (the modem's turnaround at its
 * shortest), and the playback side writes into a FIFO the bench reads. Figures: the round trip through arecord, the
 * resamplers, the 20 ms frame and aplay (device buffering excluded: it is the same for any way of calling ALSA), and
 * the CPU of the Node process and of the two programs per second of full-duplex audio.
 */
import { createReadStream, createWriteStream, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AlsaAudioDevice } from '../../../hal/audio/alsa-device.ts';
import { makeAlsaRig } from '../../hal/audio/alsa-rig.ts';
import type { BenchCase, BenchRow } from '../row.ts';
import { median } from '../row.ts';

const CLK_TCK = 100; // Linux USER_HZ

function childCpuS(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(f[11]) + Number(f[12])) / CLK_TCK; // utime, stime (fields 14 and 15)
  } catch {
    return 0;
  }
}

async function run(rate: number, seconds: number): Promise<BenchRow> {
  const rig = makeAlsaRig();
  // capA reads b.fifo (we write it), playA writes a.fifo (we read it).
  const dev = new AlsaAudioDevice({ capture: 'capA', playback: 'playA', rate, env: rig.env, prefillMs: 0 });
  const input = createWriteStream(join(rig.dir, 'b.fifo'));
  const output = createReadStream(join(rig.dir, 'a.fifo'));
  const chunk = rate / 100; // 10 ms
  const burstAt: number[] = [];
  const latencies: number[] = [];
  let inBurst = false;
  output.on('data', (data: string | Buffer) => {
    const b = Buffer.from(data);
    const now = performance.now();
    for (let i = 0; i + 1 < b.length; i += 2) {
      const loud = Math.abs(b.readInt16LE(i)) > 4000;
      if (loud && !inBurst && burstAt.length > latencies.length) latencies.push(now - burstAt[latencies.length]);
      inBurst = loud;
    }
  });
  const started = dev.start();
  const t0 = performance.now();
  let written = 0;
  const pace = setInterval(() => {
    const due = Math.floor((performance.now() - t0) / 10) + 2;
    for (; written < due; written++) {
      const buf = Buffer.alloc(chunk * 2);
      // A 1 kHz burst of 20 ms every 500 ms: the marker whose return is timed.
      if (written % 50 === 10 || written % 50 === 11) {
        for (let i = 0; i < chunk; i++) buf.writeInt16LE(Math.round(16000 * Math.sin((2 * Math.PI * 1000 * i) / rate)), 2 * i);
        if (written % 50 === 10) burstAt.push(t0 + (written - 2) * 10 + 10);
      }
      input.write(buf);
    }
  }, 5);
  await started;
  const cpu0 = process.cpuUsage();
  const frames = seconds * 50;
  for (let f = 0; f < frames; f++) {
    if (!(await dev.next())) break;
    dev.write(dev.captured); // turnaround: what came in goes straight back out
  }
  const cpu = process.cpuUsage(cpu0);
  const children = childCpuS(dev.pids.capture) + childCpuS(dev.pids.playback);
  clearInterval(pace);
  await dev.stop();
  input.destroy();
  output.destroy();
  rig.cleanup();
  return {
    kind: 'audio',
    modulation: 'none',
    backend: 'alsa (arecord/aplay, file plugin)',
    device_rate: rate,
    seconds,
    round_trip_ms: Math.round(median(latencies.slice(1)) * 10) / 10,
    node_cpu_pct: Math.round(((cpu.user + cpu.system) / 1e6 / seconds) * 1000) / 10,
    programs_cpu_pct: Math.round((children / seconds) * 1000) / 10,
    xruns: dev.stats.xruns,
    stalled_frames: dev.stats.stalledFrames,
  };
}

const audioCase: BenchCase = async ({ quick }) => {
  const seconds = quick ? 5 : 20;
  return [await run(48000, seconds), await run(8000, seconds)];
};
export default audioCase;
