export { writeZip } from './zip.ts';
