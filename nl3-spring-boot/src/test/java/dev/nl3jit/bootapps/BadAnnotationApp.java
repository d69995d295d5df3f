package dev.nl3jit.bootapps;

import dev.nl3jit.filter.RequiresApproval;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Import;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/** A controller method whose {@code @RequiresApproval} has a value the library refuses: the application must not start. */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import(BadAnnotationApp.Refunds.class)
public class BadAnnotationApp {

    @RestController
    public static class Refunds {
        @PostMapping("/refunds")
        @RequiresApproval(value = "PAYMENT_APPROVAL", grantDuration = "forever")
        public String refund() {
            return "REFUNDED";
        }
    }
}
