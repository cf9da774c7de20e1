/* Stripe's Payment Element (only when Stripe is the payment provider): mount, confirm, come back. */
(function () {
  "use strict";
  var form = document.getElementById("stripe-form");
  if (!form || !window.Stripe) { return; }
  var stripe = window.Stripe(form.getAttribute("data-key"));
  var elements = stripe.elements({ clientSecret: form.getAttribute("data-secret"), locale: document.documentElement.lang || "auto" });
  elements.create("payment").mount("#payment-element");
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    stripe.confirmPayment({ elements: elements, confirmParams: { return_url: form.getAttribute("data-return") } })
      .then(function (result) {
        if (result.error) { document.getElementById("payment-message").textContent = result.error.message; }
      });
  });
})();
