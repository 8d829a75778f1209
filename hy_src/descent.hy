;;; descent — training the one-feature model p̂ = σ(wx + b) by gradient descent.
;;; Sums run left to right, one term at a time, in every language (not `sum`:
;;; since Python 3.12 it compensates, and rounds differently).

(import .cross-entropy [cross-entropy-from-logit]
        .sigmoid [stable-sigmoid])

(defn mean-cross-entropy [w b xs ys]
  "The mean loss (1/n) Σ L(yᵢ, σ(wxᵢ + b)), each term from the logit.
  (mean-cross-entropy 0.0 0.0 [1.0 -1.0] [1 0]) ; => 0.6931471805599453"
  (setv total 0.0 n 0)
  (for [#(x y) (zip xs ys :strict True)]
    (+= total (cross-entropy-from-logit y (+ (* w x) b)))
    (+= n 1))
  (/ total n))

(defn descent-step [w b xs ys rate]
  "One full-batch step with the mean gradient, p̂ from the stable σ:
  [w − η·(1/n) Σ (p̂ᵢ − yᵢ)xᵢ  b − η·(1/n) Σ (p̂ᵢ − yᵢ)].
  (descent-step 0.0 0.0 [1.0 -1.0] [1 0] 1.0) ; => [0.5 0.0]"
  (setv gw 0.0 gb 0.0 n 0)
  (for [#(x y) (zip xs ys :strict True)]
    (setv r (- (stable-sigmoid (+ (* w x) b)) y))
    (+= gw (* r x))
    (+= gb r)
    (+= n 1))
  [(- w (* rate (/ gw n))) (- b (* rate (/ gb n)))])

(defn fit [xs ys rate epochs]
  "[w b] after `epochs` steps from w = b = 0.
  (fit [1.0 -1.0] [1 0] 1.0 1) ; => [0.5 0.0]"
  (setv wb [0.0 0.0])
  (for [_ (range epochs)]
    (setv wb (descent-step (get wb 0) (get wb 1) xs ys rate)))
  wb)

(defn fit-trace [xs ys rate epochs]
  "[[L w b] …]: the mean loss and the parameters after each step.
  (fit-trace [1.0 -1.0] [1 0] 1.0 1) ; => [[0.4740769841801067 0.5 0.0]]"
  (setv wb [0.0 0.0] trace [])
  (for [_ (range epochs)]
    (setv wb (descent-step (get wb 0) (get wb 1) xs ys rate))
    (.append trace [(mean-cross-entropy (get wb 0) (get wb 1) xs ys) #* wb]))
  trace)
