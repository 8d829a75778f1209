;;; linear-regression — the same update rule, with ŷ = wx + b in place of p̂.

(defn linear-prediction [w x b]
  "ŷ = wx + b.
  (linear-prediction 2.0 1.5 -1.0) ; => 2.0"
  (+ (* w x) b))

(defn linear-gradient [w b x y]
  "∂/∂(w, b) of ½(ŷ − y)²: [(ŷ − y)·x  ŷ − y], the shape of the logistic gradient.
  (linear-gradient 2.0 -1.0 1.5 1.0) ; => [1.5 1.0]"
  (let [r (- (linear-prediction w x b) y)]
    [(* r x) r]))
