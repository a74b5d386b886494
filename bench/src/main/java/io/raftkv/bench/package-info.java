/** Benchmarks of RaftKV's parts: each reports JSON figures and draws a PNG chart. */
package io.raftkv.bench;
