;;; likelihood — maximum likelihood is minimum cross-entropy.

(import .cross-entropy [cross-entropy-from-logit])

(defn log-likelihood [w b xs ys]
  "log L = Σ [yᵢ log p̂ᵢ + (1 − yᵢ) log(1 − p̂ᵢ)], the Bernoulli log-likelihood,
  summed left to right as − L(yᵢ, σ(wxᵢ + b)) from the logit.
  (log-likelihood 0.0 0.0 [1.0 -1.0] [1 0]) ; => -1.3862943611198906"
  (setv total 0.0)
  (for [#(x y) (zip xs ys :strict True)]
    (-= total (cross-entropy-from-logit y (+ (* w x) b))))
  total)
