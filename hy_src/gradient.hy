;;; gradient — how the loss of one example changes with w and b.

(import .prediction [predicted-probability])

(defn gradient [w b x y]
  "[∂L/∂w ∂L/∂b] = [(p̂ − y)·x  p̂ − y] for one example (x, y).
  (gradient 0.0 0.0 2.0 1) ; => [-1.0 -0.5]"
  (let [r (- (predicted-probability w x b) y)]
    [(* r x) r]))
