;;; linear-regression — the same update rule, with ŷ = wx + b in place of p̂.

;;> ŷ = wx + b.
;;> (linear-prediction 2.0 1.5 -1.0) ⇒ 2.0
(define (linear-prediction w x b)
  (+ (* w x) b))

;;> ∂/∂(w b) of ½(ŷ − y)²: ((ŷ − y)·x  ŷ − y), the shape of the logistic gradient.
;;> (linear-gradient 2.0 -1.0 1.5 1.0) ⇒ (1.5 1.0)
(define (linear-gradient w b x y)
  (let ((r (- (linear-prediction w x b) y)))
    (list (* r x) r)))
