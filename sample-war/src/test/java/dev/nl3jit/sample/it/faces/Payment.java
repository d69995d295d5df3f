package dev.nl3jit.sample.it.faces;

import jakarta.enterprise.context.RequestScoped;
import jakarta.faces.context.FacesContext;
import jakarta.inject.Named;

/** The Faces page's backing bean: the Ajax action the approval protects. */
@Named
@RequestScoped
public class Payment {
    private String amount;
    private String result;

    public String getAmount() {
        return amount;
    }

    public void setAmount(String amount) {
        this.amount = amount;
    }

    public String getResult() {
        return result;
    }

    public void pay() {
        result = "Paid " + amount + " for " + FacesContext.getCurrentInstance().getExternalContext().getUserPrincipal().getName();
    }
}
