;;; likelihood — maximum likelihood is minimum cross-entropy.

;;> log L = Σ [yᵢ log p̂ᵢ + (1 − yᵢ) log(1 − p̂ᵢ)], the Bernoulli log-likelihood,
;;> summed left to right as − L(yᵢ, σ(wxᵢ + b)) from the logit.
;;> (log-likelihood 0.0 0.0 (1.0 -1.0) (1 0)) ⇒ -1.3862943611198906
(define (log-likelihood w b xs ys)
  (let loop ((xs xs) (ys ys) (total 0.0))
    (if (null? xs)
        total
        (loop (cdr xs) (cdr ys)
              (- total (cross-entropy-from-logit (car ys) (+ (* w (car xs)) b)))))))
