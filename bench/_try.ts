import { benchIngest } from './ingest';
benchIngest(3).then((r) => { console.log(JSON.stringify(r)); process.exit(0); });
