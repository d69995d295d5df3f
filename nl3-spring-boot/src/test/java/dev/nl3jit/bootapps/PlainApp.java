package dev.nl3jit.bootapps;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Import;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * An application with the starter and nothing protected (no URL patterns, no annotations): no approval engine ever
 * starts. Outside {@code dev.nl3jit.boot}, so that DemoApp's component scan does not pick it up; no scan of its own.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import(PlainApp.Hello.class)
public class PlainApp {

    @RestController
    public static class Hello {
        @GetMapping("/hello")
        public String hello() {
            return "HELLO";
        }
    }
}
