;;; prediction — the model p̂ = σ(wx + b) and its decision.

;;> p̂ = σ(wx + b), the predicted probability of class 1.
;;> (predicted-probability 2.0 1.0 -1.0) ⇒ 0.7310585786300049
(define (predicted-probability w x b)
  (sigmoid (+ (* w x) b)))

;;> The class: 1 where p̂ ≥ ½, else 0.
;;> (classify 2.0 1.0 -1.0) ⇒ 1
(define (classify w x b)
  (if (>= (predicted-probability w x b) 0.5) 1 0))

;;> The decision boundary: the x where wx + b = 0 (so p̂ = ½), −b / w.
;;> (decision-boundary 2.0 -1.0) ⇒ 0.5
(define (decision-boundary w b)
  (/ (- b) w))
