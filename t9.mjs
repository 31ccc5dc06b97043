import { PostgresEventStore } from './dist/libs/event-store/src/index.js';
const s = await PostgresEventStore.connect({ connectionString: process.env.DATABASE_URL, poolSize: Number(process.env.POOL ?? 64) });
const ev = (i) => [{ type: 'X', data: { i, note: 'abc' } }];
for (const c of [1, 64]) {
  const cpu0 = process.cpuUsage(); const t0 = performance.now(); let n = 0;
  await Promise.all(Array.from({ length: c }, async (_, w) => { for (let i = 0; i < 3000 / c; i++) { await s.append(`t${w}`, `s${i % 50}`, 'any', ev(i)); n++; } }));
  const wall = performance.now() - t0; const cpu = process.cpuUsage(cpu0);
  console.log(`c=${c} pool=${process.env.POOL ?? 64}`, Math.round(n / (wall / 1000)), '/s; node cpu per append µs', Math.round((cpu.user + cpu.system) / n), 'node cpu share', ((cpu.user + cpu.system) / 1000 / wall).toFixed(2));
}
await s.close();
