// Automation's Nest side: the modules (publishing, runs, tools, REST) and the run scheduler (the saga's process).
export * from './automation.module.js';
export { RunScheduler } from './run/process/run-scheduler.js';
