import { fork } from 'node:child_process';
import { join } from 'node:path';
import { deliverSimTo, SIM_SECRETS } from '../sim/phoneWithSim';
import { startWhatsAppSim } from '../sim/whatsappSim';

/** The simulated WhatsApp here, and the desk in its own process (bench/phoneProcess.ts), joined over loopback. */
export async function startPhoneApart() {
  const sim = await startWhatsAppSim({ ...SIM_SECRETS });
  const child = fork(join(__dirname, 'phoneProcess.ts'), [sim.graphBaseUrl], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const started = await new Promise<{ url: string; webhookUrl: string }>((resolve, reject) => {
    child.once('message', (message) => resolve(message as { url: string; webhookUrl: string }));
    child.once('exit', (code) => reject(new Error(`the desk process stopped (${code})`)));
  });
  await deliverSimTo(sim, started.webhookUrl);
  return {
    sim,
    url: started.url,
    async close(): Promise<void> {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.send('close');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      child.kill('SIGKILL');
      await sim.close();
    },
  };
}
