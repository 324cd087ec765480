/** What the operating system says about this process (resident memory), for logs and benchmarks. */
package io.github.vqlc.core.system;
