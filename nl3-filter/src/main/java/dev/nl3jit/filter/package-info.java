/** The JIT approval servlet filter. */
package dev.nl3jit.filter;
