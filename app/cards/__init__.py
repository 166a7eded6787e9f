"""The kit for what is drawn in HTML and shared by more than one card or page (the wage card, the badge, the
careers card, the method page, the explorer): the frame every iframe card shares and the one line that says
where a card's figures are for. Features import it; it imports no feature."""
