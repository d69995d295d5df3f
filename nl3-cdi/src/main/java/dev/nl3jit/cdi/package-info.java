/** CDI integration of the JIT approval filter. */
package dev.nl3jit.cdi;
