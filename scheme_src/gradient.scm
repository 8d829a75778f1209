;;; gradient — how the loss of one example changes with w and b.

;;> (∂L/∂w ∂L/∂b) = ((p̂ − y)·x  p̂ − y) for one example (x, y).
;;> (gradient 0.0 0.0 2.0 1) ⇒ (-1.0 -0.5)
(define (gradient w b x y)
  (let ((r (- (predicted-probability w x b) y)))
    (list (* r x) r)))
