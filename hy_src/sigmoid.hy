;;; sigmoid — squash any real number into (0, 1).

(import math)

(defn sigmoid [z]
  "σ(z) = 1 / (1 + e^−z), exactly as the seed writes it.
  (sigmoid 0.0) ; => 0.5
  For z < −709.78, math.exp raises OverflowError (Scheme gives +inf.0)."
  (/ 1 (+ 1 (math.exp (- z)))))

(defn stable-sigmoid [z]
  "σ(z) without overflow: e^z / (1 + e^z) for z < 0.
  (stable-sigmoid -1000.0) ; => 0.0"
  (if (< z 0)
      (let [e (math.exp z)]
        (/ e (+ 1 e)))
      (sigmoid z)))
